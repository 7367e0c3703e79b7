"""Campaigns: pages, reward tiers, pledges, updates and sponsor matching."""
