"""Process wiring for background workers: RQ workers and the cron scheduler."""
