namespace EmbargoScheduler.StateMachines;

/// <summary>One refused request (out of policy or in the wrong state) and the reason given.</summary>
public sealed record EmbargoRefusal(string Request, string Reason, Guid? RequestedBy, DateTimeOffset RefusedAt);
