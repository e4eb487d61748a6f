"""placeholder"""


def fix_deployments(paths, report, unsafe, select, ignore, write):
    return None
