struct Shape {
	virtual int sides() const = 0;
	virtual ~Shape() {}
};

int count(const Shape &s) { return s.sides(); }
