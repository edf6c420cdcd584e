# E: the month in the genitive, as a date is written ("14 червня 2024").
DATE_FORMAT = "j E Y"
