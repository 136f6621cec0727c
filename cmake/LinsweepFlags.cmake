# Warnings for the project's own targets.
set(LINSWEEP_WARNINGS -Wall -Wextra)
