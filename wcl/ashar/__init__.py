"""Ashar community co-financing: an initiative group's project and its campaign, a local
government's match, in-kind and labour pledges, and group campaigns' beneficiaries."""
