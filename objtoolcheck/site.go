package objtoolcheck

func (c *checker) checkSites() {}
