namespace Coordination.Contracts.Notices;

/// <summary>The kinds of notice a downstream contact receives.</summary>
public static class NoticeKinds
{
    public const string Embargoed = "Embargoed";
    public const string Reminder = "Reminder";
    public const string Extended = "Extended";
    public const string Broken = "Broken";
    public const string NowPublic = "NowPublic";
    /// <summary>The case was withdrawn during its embargo: the embargo is off, and there will be no coordinated disclosure.</summary>
    public const string Withdrawn = "Withdrawn";

    public static readonly IReadOnlyList<string> All = [Embargoed, Reminder, Extended, Broken, NowPublic, Withdrawn];
}
