"""Independent reference computations used to check the implementation."""
