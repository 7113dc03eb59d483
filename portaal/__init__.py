"""The portal's start screen: what a person administers, across the domain apps.

It sits above applicaties and domeinen (it reads both), beside the REST API; nothing imports it
but the root URLconf.
"""
