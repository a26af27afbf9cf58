package dev.ignis.examples;

import dev.ignis.autograd.GradCheck;
import dev.ignis.examples.customop.MyAddLayer;
import dev.ignis.examples.customop.MyAddOp;
import dev.ignis.tensor.DType;
import dev.ignis.tensor.Generator;
import dev.ignis.tensor.Tensor;
import picocli.CommandLine.Command;

/**
 * {@code ignis example my-add}: the custom-op walkthrough of docs/extending.md run end to end — the op
 * {@value MyAddOp#NAME} from the registry, a layer built on it trained for a step, and gradcheck.
 */
@Command(name = "my-add", description = "The 'add your own op' walkthrough: myops::my_add(x, y) = 2x + y.")
final class MyAddExample implements Runnable {
    @Override
    public void run() {
        // walkthrough:run
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor y = Tensor.fromArray(new float[] {10, 20, 30}).requiresGrad(true);
        Tensor z = MyAddOp.myAdd(x, y);
        z.sum().backward();
        System.out.println("z = " + z);              // [12, 24, 36], grad_fn=<myops::my_addBackward>
        System.out.println("dz/dx = " + x.grad());   // [2, 2, 2]
        System.out.println("dz/dy = " + y.grad());   // [1, 1, 1]

        Tensor a = Tensor.randn(new Generator(0), 4).to(DType.FLOAT64).requiresGrad(true);
        Tensor b = Tensor.randn(new Generator(1), 4).to(DType.FLOAT64).requiresGrad(true);
        GradCheck.check(in -> MyAddOp.myAdd(in[0], in[1]).pow(2), a, b);   // throws on a wrong formula
        System.out.println("gradcheck passed");

        MyAddLayer layer = new MyAddLayer(4);
        Tensor out = layer.call(Tensor.randn(new Generator(2), 3, 4));
        out.pow(2).mean().backward();
        System.out.println(layer + " -> output " + java.util.Arrays.toString(out.shape())
                + ", linear.weight.grad " + java.util.Arrays.toString(layer.namedParameters().get("linear.weight")
                .grad().shape()));
        // walkthrough:end
    }
}
