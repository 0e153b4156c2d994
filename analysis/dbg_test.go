package analysis
import ("testing";"os";"fmt";"github.com/optpoline/optpoline/parser")
func TestDbg(t *testing.T){
	src,_:=os.ReadFile(os.Getenv("F")); f,_:=parser.Parse("x",src); fns,_:=Funcs(f)
	for _,fn:=range fns{ if fn.Name!=os.Getenv("FN"){continue}
		fl:=ComputeFlow(f,fn,nil)
		for i:=fn.Start;i<fn.End;i++{ fmt.Printf("%4d %-30s %v\n", f.Stmts[i].Line, fl.In[i-fn.Start], string(f.Raw(i))) }
	}
}
