"""Reports for the auditors (电子监察): turnaround, per case, exports, charts."""
