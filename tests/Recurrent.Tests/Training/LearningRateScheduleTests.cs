using Recurrent.Training;

namespace Recurrent.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void ConstantIsConstant()
    {
        var s = new ConstantSchedule(3e-4);
        Assert.Equal(3e-4, s.At(0));
        Assert.Equal(3e-4, s.At(1_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.At(-1));
    }

    [Fact]
    public void StepDecayMultipliesByGammaEveryStepSizeSteps()
    {
        var s = new StepDecaySchedule(0.1, stepSize: 30, gamma: 0.5);
        Assert.Equal(0.1, s.At(0));
        Assert.Equal(0.1, s.At(29));
        Assert.Equal(0.05, s.At(30));
        Assert.Equal(0.025, s.At(60), 15);
        Assert.Equal(0.1 * Math.Pow(0.5, 33), s.At(1000), 15);
    }

    [Fact]
    public void WarmupCosineRampsThenDecaysToTheFloor()
    {
        var s = new WarmupCosineSchedule(1.0, warmupSteps: 4, totalSteps: 14, minLearningRate: 0.1);
        Assert.Equal([0.25, 0.5, 0.75, 1.0], Enumerable.Range(0, 4).Select(i => s.At(i)));
        Assert.Equal(1.0, s.At(4));                         // the peak, where the cosine starts
        Assert.Equal(0.55, s.At(9), 14);                    // half-way: the mean of peak and floor
        Assert.Equal(0.1 + 0.45 * (1 + Math.Cos(Math.PI * 0.3)), s.At(7), 14);
        Assert.Equal(0.1, s.At(14), 14);
        Assert.Equal(0.1, s.At(1000));
        for (long t = 4; t < 14; t++) Assert.True(s.At(t + 1) < s.At(t));
    }

    [Fact]
    public void WarmupCosineWithoutWarmupIsCosineAnnealing()
    {
        var s = new WarmupCosineSchedule(2.0, warmupSteps: 0, totalSteps: 100);
        Assert.Equal(2.0, s.At(0));
        Assert.Equal(1.0, s.At(50), 14);
        Assert.Equal(0.0, s.At(100), 14);
    }

    [Fact]
    public void InvalidSchedulesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1, 0, 10, minLearningRate: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(double.NaN));
    }
}
