namespace DownstreamNotifier.WarmUp;

/// <summary>
/// Published once at startup through the outbox, like every event of a fan-out, so that the JIT compiles the outbox and
/// MassTransit's publish path before the first fan-out instead of during it (in the fan-out benchmark, a quarter of a
/// second of CPU, taken from the senders, when the first fan-out published its first progress event). Nothing
/// subscribes to it: the broker drops it at its exchange. Carries nothing but when it was made.
/// </summary>
public sealed record PublishPathWarmUp(DateTimeOffset At);
