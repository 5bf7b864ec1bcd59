"""Webhooks: integrators' HTTP endpoints that receive the changes their filter keeps, in order,
signed, retried with backoff; a failing one's changes wait in a dead-letter list to replay."""
