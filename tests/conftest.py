"""Every test runs in a fresh analysis session: no cache, option or rule filter of another test."""
import pytest

from flake8_flask_deploy.session import new_session


@pytest.fixture(autouse=True)
def session():
    """A new :class:`~flake8_flask_deploy.session.Session`, current for the whole test."""
    return new_session()
