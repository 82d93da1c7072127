"""One router per concern, each a thin layer over vigil.screening and the loaded index."""
