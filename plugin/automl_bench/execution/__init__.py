"""Process isolation: each case runs its folds in a child process, guarded by the parent.

``child`` is the entry point that runs inside the framework's environment.
``runner`` starts it and reads its fold results. ``guards`` enforces the time
budget and the memory limit on the child's process tree.
"""
