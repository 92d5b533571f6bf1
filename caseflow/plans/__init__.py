"""Individual support plans (IAP) per semester: goals, measures with planned and delivered hours, evaluation."""
