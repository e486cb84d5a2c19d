namespace Disclosure.Apis;

/// <summary>Where an advisory's records are.</summary>
public sealed record AdvisoryLinks(string Osv, string? Cve, string Csaf);
