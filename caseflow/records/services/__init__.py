"""Records services: legal holds and the retention job."""
