"""The municipality registry: the data files and name resolution."""
