"""Names of officials as lists sort them: without academic and religious titles."""

import re

# Titles written before a name (Prof., Dr., dr., drg., Drs., Ir., H., Hj., K.H., Ns., apt.).
# Only these: "M. Yusuf" keeps its initial, which is part of the name.
_PREFIX = re.compile(r"^(?:(?:prof|drg|drh|drs|dra|dr|ir|hj|h|k\.\s?h|ns|apt)\.\s*)+", re.I)


def sort_key(name: str) -> str:
    """What a list of people sorts by (``Person.sort_name``): the bare name, case-folded."""
    return bare_name(name).casefold()[:200]


def bare_name(name: str) -> str:
    """'Prof. Dr. Zudan Arif Fakrulloh, S.H., M.H.' → 'Zudan Arif Fakrulloh': a list in name
    order puts him under Z, where readers look for him, not under P. Titles after the name
    follow its first comma."""
    text = (name or "").split(",", 1)[0].strip()
    return _PREFIX.sub("", text).strip() or text
