"""DawsOS domain logic, shipped to Lambda as the dawsos_core layer."""
