namespace Coordination.Contracts.Notices;

/// <summary>The kinds of notice a downstream contact receives.</summary>
public static class NoticeKinds
{
    public const string Embargoed = "Embargoed";
    public const string Reminder = "Reminder";
    public const string Extended = "Extended";
    public const string Broken = "Broken";
    public const string NowPublic = "NowPublic";

    public static readonly IReadOnlyList<string> All = [Embargoed, Reminder, Extended, Broken, NowPublic];
}
