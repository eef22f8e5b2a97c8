// Every runtime we target has Object.assign.
module.exports = Object.assign;
