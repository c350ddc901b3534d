"""The table contract (contract/tables.py): the bottom of the layers; it imports nothing of zhnews."""
