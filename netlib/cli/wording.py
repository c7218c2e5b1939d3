"""Printed text that reads right whatever the flags: a count with its noun."""


def counted(number, noun):
    """``1 epoch``, ``20 epochs``: *number* and *noun*, plural (an ``s``) unless it is one."""
    return f'{number} {noun}' if number == 1 else f'{number} {noun}s'
