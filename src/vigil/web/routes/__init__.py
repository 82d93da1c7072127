"""One router module per page family."""
