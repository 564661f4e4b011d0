"""The workbench keeps no rows of its own: what staff unmask is logged in the case loop's one
personal data log (`sanfu.cases.models.PersonalDataAccess`), shared with the staff API."""
