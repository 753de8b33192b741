"""Storage: the workspace folder, documents, plan versions and the review database."""
