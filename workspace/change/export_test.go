package change

// ParseJSONLenient parses every change set ChangeSet.fromJSON accepts, so
// that the tests can check the algorithms on input ParseJSON refuses.
func ParseJSONLenient(data []byte) (Set, error) { return parseJSON(data, false) }
