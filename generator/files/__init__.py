"""What metdocs may read and write on disk: the project and course folders, the file-system guard, the site folder, caches, archives, environment variables."""
