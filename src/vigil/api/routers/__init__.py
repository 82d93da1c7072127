"""One router per concern, each a thin layer over vigil.service.screening and the loaded index."""
