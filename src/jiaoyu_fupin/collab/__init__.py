"""East–west collaboration (东西部扶贫协作) and province-internal help: the plan, its targets, what happened."""
