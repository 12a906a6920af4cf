package db

// ToSQLiteParamsForTest exposes toSQLiteParams to the external test package.
var ToSQLiteParamsForTest = toSQLiteParams
