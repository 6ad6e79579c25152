"""Licences the bureau issues and the electronic licence (电子证照) records."""
