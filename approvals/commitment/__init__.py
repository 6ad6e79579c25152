"""The notification-commitment fast track (告知承诺制)."""
