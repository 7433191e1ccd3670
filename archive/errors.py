"""The one exception type that means "the user's input is wrong", not a bug."""


class UserError(Exception):
    """A problem the user can fix (bad sites file, missing database, unwritable path).

    The CLI prints its message on one line and exits 2; the message names the
    file, URL or key at fault.
    """
