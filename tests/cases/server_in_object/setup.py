from setuptools import find_packages, setup

setup(
    name="service",
    packages=find_packages(),
    scripts=["bin/run-service"],
)
