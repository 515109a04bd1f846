/**
 * The people directory: who the gateway has seen (from verified tokens and from grants), per
 * tenant, so the sharing dialog can find users, groups and roles by name and show who a grant is
 * for. It holds no credentials and decides no access.
 */
package dev.portcullis.people;
