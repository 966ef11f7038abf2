"""The audit log as reviewers read it: their streets' entries, newest first."""
