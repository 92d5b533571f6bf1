"""Information requests: the orphans' court or the coordinator asks an institution about a pupil."""
