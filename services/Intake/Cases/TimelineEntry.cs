using System.Text.Json;

namespace Intake.Cases;

public sealed record TimelineEntry(DateTimeOffset At, Guid? ActorId, string ActorName, string Action, JsonElement Detail);
