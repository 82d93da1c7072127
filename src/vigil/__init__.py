"""vigil: sanctions screening you can explain."""
__version__ = "0.1.0"
