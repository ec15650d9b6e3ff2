namespace LoyaltyConsole.Domain.Common;

/// <summary>A rule of the domain was broken; the message is written for the person who caused it.</summary>
public sealed class DomainException(string message) : Exception(message);
