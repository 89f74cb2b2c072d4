"""Says which jitc the corpus ran against: `python -m pytest` puts the current directory first on sys.path, so
from a checkout's root it tests that checkout whatever PYTHONPATH says."""
import jitc


def pytest_report_header(config):
    return f"corpus: jitc from {jitc.__file__.rsplit('/jitc/', 1)[0]}"
