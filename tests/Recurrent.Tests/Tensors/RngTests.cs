using Recurrent.Tensors;

namespace Recurrent.Tests.Tensors;

public class RngTests
{
    [Fact]
    public void SameSeedSameSequenceAndStateRoundTrips()
    {
        var a = new Rng(1234);
        var b = new Rng(1234);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        a.NextNormal();
        ulong[] state = a.State;
        double next = a.NextNormal();
        var c = new Rng(0) { State = state };
        Assert.Equal(next, c.NextNormal());
    }

    [Fact]
    public void UniformAndNormalHaveTheRightMoments()
    {
        var rng = new Rng(99);
        const int n = 200_000;
        double sum = 0, sumSq = 0, uSum = 0;
        for (int i = 0; i < n; i++)
        {
            double z = rng.NextNormal();
            sum += z;
            sumSq += z * z;
            uSum += rng.NextDouble();
        }
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sumSq / n, 0.98, 1.02);
        Assert.InRange(uSum / n, 0.495, 0.505);
    }

    [Fact]
    public void NextStaysInRangeAndCoversIt()
    {
        var rng = new Rng(5);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++) seen[rng.Next(7)]++;
        Assert.All(seen, s => Assert.InRange(s, 850, 1150));
    }
}
