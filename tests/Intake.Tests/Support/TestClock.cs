namespace Intake.Tests.Support;

/// <summary>The service's clock, stopped at <see cref="Now"/> while it is set; timers and timestamps stay real.</summary>
public sealed class TestClock : TimeProvider
{
    public DateTimeOffset? Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
}
