"""The four layers of 帮扶责任书 (bureau leader → township, office head → school, school leader → class, teacher →
student), worded as the county's 2019 work plan words them, with names from the ledger."""
