using Recurrent.Cells;
using Recurrent.Cli.Bench;

namespace Recurrent.Tests.Cli;

/// <summary>
/// The flop counts behind the <c>gflops</c> of <c>recurrent bench</c>, checked against values worked out by hand for
/// small shapes (products only, 2 flops per multiply-add, training = 3 × forward).
/// </summary>
public class BenchFlopsTests
{
    [Fact]
    public void LstmForwardIsTwoBTFourHTimesIPlusH()
    {
        // B 2, T 3, I 5, H 4: [x, h] is 2 × 9 per step, W is 9 × 16 → 2·2·9·16 = 576 flops per step, × 3 steps = 1728.
        Assert.Equal(1728, Flops.RecurrentForward(CellKind.Lstm, batch: 2, steps: 3, input: 5, hidden: 4, layers: 1));
        Assert.Equal(3 * 1728 - 2 * 2 * 3 * 16 * 5, Flops.Recurrent(CellKind.Lstm, 2, 3, 5, 4, 1, train: true)); // no input gradient for x
        Assert.Equal(1728, Flops.Recurrent(CellKind.Lstm, 2, 3, 5, 4, 1, train: false));
    }

    [Fact]
    public void GruHasThreeGatesAndElmanOne()
    {
        // B 1, T 1, I 2, H 3: GRU 2·1·1·9·(2+3) = 90; Elman 2·3·5 = 30; both GRU forms count alike.
        Assert.Equal(90, Flops.RecurrentForward(CellKind.Gru, 1, 1, 2, 3, 1));
        Assert.Equal(90, Flops.RecurrentForward(CellKind.CudnnGru, 1, 1, 2, 3, 1));
        Assert.Equal(30, Flops.RecurrentForward(CellKind.Elman, 1, 1, 2, 3, 1));
    }

    [Fact]
    public void UpperLayersTakeHInputs()
    {
        // B 1, T 1, I 2, H 3, 2 Elman layers: 2·3·(2+3) + 2·3·(3+3) = 30 + 36 = 66.
        Assert.Equal(66, Flops.RecurrentForward(CellKind.Elman, 1, 1, 2, 3, 2));
    }

    [Fact]
    public void CharLmStepIsLstmStackPlusDecoderTimesThree()
    {
        // B 1, T 2, E 3, H 2, 1 layer, V 5: LSTM 2·1·2·8·(3+2) = 160; decoder 2·1·2·2·5 = 40; × 3 = 600.
        Assert.Equal(600, Flops.CharLmTrainStep(batch: 1, steps: 2, embed: 3, hidden: 2, layers: 1, vocabulary: 5));
    }

    [Fact]
    public void GemmIsTwoMNK() => Assert.Equal(2 * 3 * 5 * 7, Flops.Gemm(3, 5, 7));

    [Fact]
    public void CellsWithoutACountAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Flops.Gates(CellKind.Jordan));
}
