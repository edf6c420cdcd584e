"""Loaded by pytest (`-p tests.testenv` in pyproject.toml) before Django's settings are read: the
tests run with production-like settings (DEBUG off) and a throwaway secret."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
# Production refuses to start without a real contact address (factcheck.env.env_email).
os.environ.setdefault("SITE_CONTACT_EMAIL", "corrections@factcheck.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client speaks plain HTTP; production redirects it to HTTPS (README "Deploying").
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Views are tested uncached (exact query counts, data written without the services); the cache has
# its own tests in tests/test_cache.py, which turn it on.
os.environ.setdefault("PUBLIC_CACHE", "0")
# Background tasks run at once, in the request that queues them (tests of the worker and of
# scheduled publishing switch to the database backend themselves).
os.environ.setdefault("TASK_BACKEND", "immediate")
# Dataset builds (partners.dataset) write to a throwaway folder, never into the working tree.
os.environ.setdefault("DATASET_ROOT", tempfile.mkdtemp(prefix="factcheck-test-datasets-"))
