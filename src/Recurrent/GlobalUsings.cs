// TensorPrimitives by alias only: importing System.Numerics.Tensors would clash with Recurrent.Tensors.Tensor<T>.
global using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
